package handlers

// Can exposes the permission check to the black-box tests.
var Can = can
