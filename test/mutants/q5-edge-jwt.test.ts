import { checkMutants } from "../support/check-mutants.js";

checkMutants("q5-edge-jwt");
