// A self-signed TLS certificate for loopback test servers, made at test time (never checked in).
//
// The certificate names 127.0.0.1, ::1 and localhost, is valid from a minute ago for two days, and is
// its own issuer: a client trusts it by passing the PEM as its only CA — for the Azure SDK clients,
// `tlsOptions: { ca }` (core-rest-pipeline's tlsPolicy copies it onto every request, and the Node
// HTTP client builds its https.Agent from those settings).
import { generate } from "selfsigned";

export interface TestCertificate {
  /** PEM private key (PKCS#8). */
  key: string;
  /** PEM certificate; also the CA a client must trust. */
  cert: string;
}

let cached: Promise<TestCertificate> | undefined;

/** Creates a fresh self-signed certificate for 127.0.0.1/localhost (EC P-256, SHA-256). */
export async function createTestCertificate(): Promise<TestCertificate> {
  const notBeforeDate = new Date(Date.now() - 60_000);
  const notAfterDate = new Date(notBeforeDate.getTime() + 2 * 24 * 3600_000);
  const pems = await generate([{ name: "commonName", value: "127.0.0.1" }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: "basicConstraints", cA: true, critical: true },
      { name: "keyUsage", digitalSignature: true, keyCertSign: true, critical: true },
      { name: "extKeyUsage", serverAuth: true },
      {
        name: "subjectAltName",
        altNames: [
          { type: 7, ip: "127.0.0.1" },
          { type: 7, ip: "::1" },
          { type: 2, value: "localhost" },
        ],
      },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}

/** One certificate per test process (generation takes a few milliseconds, but there is no need to repeat it). */
export function testCertificate(): Promise<TestCertificate> {
  cached ??= createTestCertificate().catch((error: unknown) => {
    cached = undefined;
    throw error;
  });
  return cached;
}
