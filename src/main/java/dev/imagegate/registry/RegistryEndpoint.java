package dev.imagegate.registry;

/**
 * Where an image's registry is actually reached.
 *
 * @param registry the registry host of the image reference ({@code docker.io}), for messages and metrics
 * @param host {@code host[:port]} that requests go to, as request URLs are built from it
 *     ({@code registry-1.docker.io}, or the mirror's {@code 127.0.0.1:5000})
 * @param plainHttp whether this endpoint is spoken to over plain HTTP (never with TLS)
 * @param mirror whether {@code host} is a mirror standing in for {@code registry}
 */
record RegistryEndpoint(String registry, String host, boolean plainHttp, boolean mirror) {}
