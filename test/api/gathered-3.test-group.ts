import { runGatheredFile } from "./gather";

runGatheredFile(3);
