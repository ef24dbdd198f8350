import { gradeLevel } from "../../support/grade-level.js";
import { suite } from "./level-2.suite.js";

await gradeLevel(suite);
