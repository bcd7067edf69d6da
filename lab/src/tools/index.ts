/** The one way the lab and its tests find external tools: .tools/bin, then PATH; a missing tool names its fix. */
export { CHROMIUM_FIX, findChromium } from './find-chromium.js';
export {
  type FindToolOptions,
  type FoundTool,
  findOptionalTool,
  findTool,
  type ToolName,
} from './find-tool.js';
export { MissingToolError } from './missing-tool-error.js';
export { REPO_ROOT } from './repo-root.js';
export { prometheusVersion, vegetaVersion } from './tool-versions.js';
