// Node-RED requires node files (CommonJS) and loads dictstore.html beside this file for the editor.
module.exports = require("../dist/index.cjs").dictstoreNode;
