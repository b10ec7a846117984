// Node-RED's `contextStorage` setting takes the factory itself: require("@dictstore/node-red/context").
module.exports = require("./dist/index.cjs").contextStore;
