import { gradeLevel } from "../../support/grade-level.js";
import { suite } from "./level-3.suite.js";

await gradeLevel(suite);
