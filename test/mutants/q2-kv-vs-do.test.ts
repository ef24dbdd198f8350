import { checkMutants } from "../support/check-mutants.js";

checkMutants("q2-kv-vs-do");
