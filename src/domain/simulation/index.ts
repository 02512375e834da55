/** Demo-data generation from a known ACSI structural model. */
export {
  ACSI_MODEL_SPEC,
  DEFAULT_ACSI_MODEL,
  impliedLatentCorrelations,
  simulateAcsiResponses,
  toPlsModelSpec,
} from "./acsi-simulation";
export type {
  AcsiSimulationModel,
  GeneratingPath,
  SimulatedConstruct,
  SimulatedItem,
  SimulatedItemScale,
  SimulatedResponses,
  SimulationOptions,
} from "./acsi-simulation";
