import { runGatheredFile } from "./gather";

runGatheredFile(2);
