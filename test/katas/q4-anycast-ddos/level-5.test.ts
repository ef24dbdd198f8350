import { gradeLevel } from "../../support/grade-level.js";
import { suite } from "./level-5.suite.js";

await gradeLevel(suite);
