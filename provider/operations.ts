/** The deploy-time operations the plugin serves as custom resources (one implementation each; see catalog.ts). */
export { operations } from "../components/operations/catalog";
