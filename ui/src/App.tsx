// Which screen: first run, unlock, "in use", or the library.

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { commands, describe } from "./api";
import { FirstRun } from "./screens/FirstRun";
import { Unlock } from "./screens/Unlock";
import { Main } from "./screens/Main";
import { ErrorNote } from "./components/ErrorNote";

export function App() {
  const client = useQueryClient();
  const state = useQuery({ queryKey: ["state"], queryFn: () => commands.libraryState() });
  const refresh = () => void client.invalidateQueries({ queryKey: ["state"] });

  if (state.isPending) return <div className="center muted">Opening the library…</div>;
  if (state.isError) {
    const e = describe(state.error);
    return (
      <div className="center">
        <ErrorNote {...e} />
        <button onClick={refresh}>Try again</button>
      </div>
    );
  }
  const s = state.data;
  switch (s.state) {
    case "none":
      return <FirstRun path={s.path} onDone={refresh} />;
    case "locked":
      return <Unlock path={s.path} people={s.people} onDone={refresh} />;
    case "in_use":
      return (
        <div className="center">
          <ErrorNote message={s.message} hint={null} />
          <button onClick={refresh}>Try again</button>
        </div>
      );
    case "open":
      return <Main />;
  }
}
