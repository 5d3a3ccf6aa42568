#!/usr/bin/env node
// Builds (or finds) kube-apiserver and etcd ahead of the tests; a jest globalSetup or CI step.
import { ensureBinaries } from '../control-plane/binaries.js';

const found = await ensureBinaries();
process.stdout.write(`kube-apiserver: ${found.kubeApiserver}\netcd: ${found.etcd}\n`);
