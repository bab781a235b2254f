// The package entry used by the schema generator and by programs in this repository.
// Published consumers import the compiled `dist/components/index.js` through package.json.
export * from "./components";
