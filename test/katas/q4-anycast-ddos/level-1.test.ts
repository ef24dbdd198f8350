import { gradeLevel } from "../../support/grade-level.js";
import { suite } from "./level-1.suite.js";

await gradeLevel(suite);
