import { checkMutants } from "../support/check-mutants.js";

checkMutants("q3-isolates");
