package io.doppel.server;
