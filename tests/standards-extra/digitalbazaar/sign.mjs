// Sign one OB 3.0 credential with Digital Bazaar's stack: did:key issuer, single eddsa-rdfc-2022 proof.
import fs from 'node:fs';
import * as vc from '@digitalbazaar/vc';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022CryptoSuite} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';

const CONTEXTS = {
  'https://www.w3.org/ns/credentials/v2': JSON.parse(fs.readFileSync('credentials-v2.jsonld', 'utf8')),
  'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json': JSON.parse(fs.readFileSync('ob-v3p0-context-3.0.3.json', 'utf8')),
};

const keyPair = await Ed25519Multikey.generate();
const did = `did:key:${keyPair.publicKeyMultibase}`;
keyPair.id = `${did}#${keyPair.publicKeyMultibase}`;
keyPair.controller = did;
const didDocument = {
  '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'],
  id: did,
  verificationMethod: [await keyPair.export({publicKey: true, includeContext: false})],
  assertionMethod: [keyPair.id],
};

async function documentLoader(url) {
  if (CONTEXTS[url]) return {contextUrl: null, documentUrl: url, document: CONTEXTS[url]};
  if (url.startsWith(did)) {
    const document = url.includes('#') ? {'@context': 'https://w3id.org/security/multikey/v1', ...didDocument.verificationMethod[0]} : didDocument;
    return {contextUrl: null, documentUrl: url, document};
  }
  throw new Error(`documentLoader: ${url} is not served offline`);
}

const credential = {
  '@context': ['https://www.w3.org/ns/credentials/v2', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'],
  id: 'urn:uuid:2f3c7d1e-9a43-4c59-a8c5-3d6f0e1b7a21',
  type: ['VerifiableCredential', 'OpenBadgeCredential'],
  issuer: {id: did, type: ['Profile'], name: 'Digital Bazaar test issuer'},
  validFrom: '2025-01-01T00:00:00Z',
  name: 'Interoperability Badge',
  credentialSubject: {
    id: 'did:example:learner-db',
    type: ['AchievementSubject'],
    achievement: {
      id: 'https://example.org/achievements/interop', type: ['Achievement'], name: 'Interoperability',
      description: 'Signed by a different implementation.', criteria: {narrative: 'Made by the Digital Bazaar libraries.'},
    },
  },
};

const suite = new DataIntegrityProof({signer: keyPair.signer(), cryptosuite: eddsaRdfc2022CryptoSuite});
const signed = await vc.issue({credential, suite, documentLoader});
const verified = await vc.verifyCredential({credential: signed, suite: new DataIntegrityProof({cryptosuite: eddsaRdfc2022CryptoSuite}), documentLoader, checkStatus: async () => ({verified: true})});
if (!verified.verified) { console.error(JSON.stringify(verified, null, 2)); process.exit(1); }
process.stdout.write(JSON.stringify(signed, null, 2) + '\n');
