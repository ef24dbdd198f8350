import { checkMutants } from "../support/check-mutants.js";

checkMutants("q4-anycast-ddos");
