package io.doppel.cluster;
