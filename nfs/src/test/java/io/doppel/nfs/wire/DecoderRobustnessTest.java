package io.doppel.nfs.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.doppel.nfs.TestXdr;
import io.doppel.rpc.xdr.XdrDecoder;
import io.doppel.rpc.xdr.XdrException;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;

/** Hostile bytes decode or fail with XdrException (GARBAGE_ARGS), never anything else. */
class DecoderRobustnessTest {
  interface Decode {
    Object decode(XdrDecoder in) throws XdrException;
  }

  static final List<Decode> DECODERS =
      List.of(
          NfsArgs.HandleArgs::decode,
          NfsArgs.SetAttrArgs::decode,
          NfsArgs.DirOpArgs::decode,
          NfsArgs.AccessArgs::decode,
          NfsArgs.ReadArgs::decode,
          NfsArgs.WriteArgs::decode,
          NfsArgs.CreateArgs::decode,
          NfsArgs.MkdirArgs::decode,
          NfsArgs.SymlinkArgs::decode,
          NfsArgs.MknodArgs::decode,
          NfsArgs.RenameArgs::decode,
          NfsArgs.LinkArgs::decode,
          NfsArgs.ReadDirArgs::decode,
          NfsArgs.ReadDirPlusArgs::decode,
          NfsArgs.CommitArgs::decode);

  @Property(tries = 300)
  void randomBytesNeverEscapeAsRuntimeExceptions(@ForAll @Size(max = 200) byte[] bytes) {
    int decoded = 0;
    for (Decode d : DECODERS) {
      try {
        d.decode(TestXdr.decoder(bytes));
        decoded++;
      } catch (XdrException expected) {
        assertThat(expected.getMessage()).isNotBlank();
      }
    }
    assertThat(decoded).isBetween(0, DECODERS.size());
  }

  @Property(tries = 300)
  void smallIntsInEveryPositionNeverEscape(@ForAll @Size(max = 40) List<Integer> words) {
    byte[] bytes =
        TestXdr.bytes(
            out -> {
              for (int w : words) {
                out.writeInt(Math.floorMod(w, 12) - 1); // lengths, discriminants, booleans
              }
            });
    for (Decode d : DECODERS) {
      try {
        d.decode(TestXdr.decoder(bytes));
      } catch (XdrException expected) {
        assertThat(expected).isNotNull();
      }
    }
  }
}
