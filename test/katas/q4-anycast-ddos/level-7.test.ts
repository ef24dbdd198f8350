import { gradeLevel } from "../../support/grade-level.js";
import { suite } from "./level-7.suite.js";

await gradeLevel(suite);
