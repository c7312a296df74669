import { cleanup, fireEvent, render } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { REMOTE_EXAMPLES, NO_CREDENTIALS, type TypedCredentials } from "../lib/sync";
import { CredentialFields, RemoteUrl } from "./Credentials";

afterEach(cleanup);

describe("RemoteUrl", () => {
  it("is a plain address box with the examples, spelling off, and its test id", () => {
    const seen: string[] = [];
    const { getByTestId } = render(
      <RemoteUrl value="" onChange={(u) => seen.push(u)} testId="remote-url" label="Where to keep the library" />,
    );
    const box = getByTestId("remote-url") as HTMLInputElement;
    expect(box.placeholder).toBe(REMOTE_EXAMPLES);
    expect(box.getAttribute("spellcheck")).toBe("false");
    expect(box.getAttribute("aria-label")).toBe("Where to keep the library");
    fireEvent.change(box, { target: { value: "s3://bucket/office" } });
    expect(seen).toEqual(["s3://bucket/office"]);
  });

  it("has no aria-label when it stands inside a visible label", () => {
    const { getByTestId } = render(<RemoteUrl value="" onChange={() => {}} testId="join-url" />);
    expect(getByTestId("join-url").hasAttribute("aria-label")).toBe(false);
  });
});

describe("CredentialFields", () => {
  it("shows the key id in clear and hides the secret and the password", () => {
    const { getByTestId } = render(
      <CredentialFields value={NO_CREDENTIALS} onChange={() => {}} ids={{ keyId: "k", secret: "s", password: "p" }} />,
    );
    expect(getByTestId("k").getAttribute("type")).toBeNull();
    expect(getByTestId("k").getAttribute("spellcheck")).toBe("false");
    expect(getByTestId("s").getAttribute("type")).toBe("password");
    expect(getByTestId("s").hasAttribute("spellcheck")).toBe(false);
    expect(getByTestId("p").getAttribute("type")).toBe("password");
    for (const id of ["k", "s", "p"]) expect(getByTestId(id).getAttribute("autocomplete")).toBe("off");
  });

  it("changes only the part typed into", () => {
    const seen: TypedCredentials[] = [];
    const value = { keyId: "AKIA", secret: "", password: "" };
    const { getByTestId } = render(
      <CredentialFields value={value} onChange={(c) => seen.push(c)} ids={{ keyId: "k", secret: "s", password: "p" }} />,
    );
    fireEvent.change(getByTestId("s"), { target: { value: "hush" } });
    expect(seen).toEqual([{ keyId: "AKIA", secret: "hush", password: "" }]);
  });
});
