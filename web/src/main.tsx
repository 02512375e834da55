import "./lib/zod-config";
import { render } from "preact";
import "./styles/app.css";
import { App } from "./app";

render(<App />, document.getElementById("app")!);
