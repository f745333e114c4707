// For import-rss.ts: the modules src/main.ts imports, loaded for their own sake (main.ts would start the
// process). Keep in step with main.ts's imports.
import "../../src/api-processes.js";
import "../../src/bootstrap/bootstrap.js";
import "../../src/config.js";
import "../../src/files/open-storage.js";
import "../../src/files/reaper.js";
import "../../src/lib/logger.js";
import "../../src/notifications/start.js";
import "../../src/persister/persister.js";
import "../../src/realtime/node.js";
import "../../src/start-services.js";
import "../../src/workspace/retention.js";
