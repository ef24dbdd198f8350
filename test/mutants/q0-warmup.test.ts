import { checkMutants } from "../support/check-mutants.js";

checkMutants("q0-warmup");
