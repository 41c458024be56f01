package io.doppel.nfs;
