'use strict';
// Runs inside a worker thread (piscina): bcrypt is deliberately slow and must not block the event loop.
const bcrypt = require('bcryptjs');

exports.hash = ({ password, cost }) => bcrypt.hashSync(password, cost);
exports.compare = ({ password, hash }) => bcrypt.compareSync(password, hash);
