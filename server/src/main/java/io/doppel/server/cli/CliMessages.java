package io.doppel.server.cli;

/** How the CLI words failures: one line, the exception's message or else its type. */
final class CliMessages {
  private CliMessages() {}

  static String describe(Throwable e) {
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
  }
}
