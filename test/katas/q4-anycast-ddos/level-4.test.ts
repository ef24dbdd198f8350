import { gradeLevel } from "../../support/grade-level.js";
import { suite } from "./level-4.suite.js";

await gradeLevel(suite);
