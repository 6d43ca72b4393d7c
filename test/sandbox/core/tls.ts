// A throwaway CA and a server certificate for the production Azure host names, made with openssl at start.
// The CA goes to a file for NODE_EXTRA_CA_CERTS (child processes) and stays in memory for in-process agents.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AZURE_HOSTS } from './types.js';

export interface SandboxTls {
  /** Path of the CA certificate (PEM), for NODE_EXTRA_CA_CERTS. */
  caPath: string;
  caPem: string;
  certPem: string;
  keyPem: string;
}

export const CERTIFICATE_NAMES = [
  'IP:127.0.0.1',
  `DNS:${AZURE_HOSTS.entra}`,
  `DNS:${AZURE_HOSTS.arm}`,
  `DNS:*${AZURE_HOSTS.keyvaultSuffix}`,
  `DNS:${AZURE_HOSTS.logs}`,
] as const;

function openssl(dir: string, args: string[]): void {
  try {
    execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim() ?? '';
    throw new Error(`sandbox: openssl ${args[0]} failed (is openssl on PATH?): ${stderr || String(error)}`);
  }
}

/** Writes ca.crt, server.crt and server.key (P-256, valid 2 days) into `dir`, which must exist. */
export function generateTls(dir: string): SandboxTls {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(dir, [
    'req',
    '-x509',
    ...ec,
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-days',
    '2',
    '-subj',
    '/CN=kv-alert-playbook sandbox CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  openssl(dir, [
    'req',
    '-new',
    ...ec,
    '-keyout',
    'server.key',
    '-out',
    'server.csr',
    '-subj',
    '/CN=kv-alert-playbook sandbox',
  ]);
  writeFileSync(
    join(dir, 'server.ext'),
    `subjectAltName=${CERTIFICATE_NAMES.join(',')}\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n`,
  );
  openssl(dir, [
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'server.crt',
    '-days',
    '2',
    '-extfile',
    'server.ext',
  ]);
  const read = (name: string) => readFileSync(join(dir, name), 'utf8');
  return {
    caPath: join(dir, 'ca.crt'),
    caPem: read('ca.crt'),
    certPem: read('server.crt'),
    keyPem: read('server.key'),
  };
}
