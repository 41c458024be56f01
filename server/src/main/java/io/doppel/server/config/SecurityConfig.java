package io.doppel.server.config;

import java.nio.file.Path;

/**
 * The {@code [security]} section.
 *
 * @param handleKeyFile the 32-byte key that authenticates file handles (default {@code
 *     data_dir/handle.key}, created with mode 0600 on first start)
 */
public record SecurityConfig(Path handleKeyFile) {}
