import { runGatheredFile } from "./gather";

runGatheredFile(1);
