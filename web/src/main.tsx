import { render } from "preact";

function App() {
  return <main><h1>Feedloop</h1></main>;
}

render(<App />, document.getElementById("app")!);
