import { checkMutants } from "../support/check-mutants.js";

checkMutants("q1-rate-limiter");
