package io.doppel.server.config;

import java.nio.file.Path;

/**
 * The {@code [node]} section.
 *
 * @param name the node's name, {@code [a-z0-9][a-z0-9-]*}, at most 63 characters
 * @param dataDir where the node keeps its state (absolute; relative paths in the file are resolved
 *     against the config file's directory)
 */
public record NodeConfig(String name, Path dataDir) {}
