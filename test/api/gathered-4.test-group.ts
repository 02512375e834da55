import { runGatheredFile } from "./gather";

runGatheredFile(4);
