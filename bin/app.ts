#!/usr/bin/env node
// CDK entry point (`cdk.json` runs it): picks the stage from `-c stage=<name>` (default dev) and builds it.
import { App } from 'aws-cdk-lib';
import { loadStageConfig } from './config/index.js';
import { addPipelineToApp } from './pipeline-app.js';

const app = new App();
const stageContext: unknown = app.node.tryGetContext('stage');
addPipelineToApp(app, loadStageConfig(stageContext === undefined ? undefined : String(stageContext)));
// The App synthesizes itself when the process exits (the CLI sets CDK_OUTDIR), as `cdk init` apps do.
