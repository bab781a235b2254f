/** The deploy-time operations the plugin serves as custom resources (one implementation each). */
import { deactivation } from "../components/operations/deactivation";
import { imageImportOperation } from "../components/operations/imageImport";
import { tokenPassword } from "../components/operations/tokenPassword";
import type { AnyOperation } from "./schema";

export const operations: readonly AnyOperation[] = [tokenPassword, imageImportOperation, deactivation];
