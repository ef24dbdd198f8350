import { gradeLevel } from "../../support/grade-level.js";
import { suite } from "./level-6.suite.js";

await gradeLevel(suite);
