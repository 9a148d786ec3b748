using LeakWatch.Core.Matching;

namespace LeakWatch.Core.Tests.Matching;

/// <summary>The index body's MAC in chunks: the same on every core as read in order, and no chunk can be moved or altered.</summary>
public sealed class IndexBodyMacTests
{
    private const int Chunk = 4096;
    private static readonly byte[] MacKey = [.. Enumerable.Range(0, 32).Select(i => (byte)(i * 7))];

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(Chunk)]
    [InlineData(5 * Chunk + 123)]
    public void Compute_InParallelOverMemory_SameAsReadInOrder(int length)
    {
        var body = Body(length);

        Assert.Equal(Sequential(body), Parallel(body));
    }

    /// <summary>The sequential path reads a chunk in several blocks, the last one short, as the builder does with 1 MiB ones.</summary>
    [Fact]
    public void Compute_ReadInBlocksThatDoNotDivideAChunk_SameAsInOne()
    {
        var body = Body(3 * Chunk + 77);
        var mac = new byte[FingerprintIndexFormat.MacSize];
        IndexBodyMac.Compute(MacKey, body.Length, (offset, span) => body.AsSpan(checked((int)offset), span.Length).CopyTo(span), mac, Chunk, readBlock: 1000);

        Assert.Equal(Parallel(body), mac);
    }

    /// <summary>The construction itself, written out with HMACSHA256.HashData: a change to it is a change of format.</summary>
    [Fact]
    public void Compute_KnownConstruction_IsTheHmacOfLengthAndChunkHmacs()
    {
        var body = Body(2 * Chunk + 5);
        byte[] ChunkMac(int n) =>
            System.Security.Cryptography.HMACSHA256.HashData(MacKey, (byte[])[(byte)'C', .. BitConverter.GetBytes((long)n), .. body.AsSpan(n * Chunk, Math.Min(Chunk, body.Length - n * Chunk))]);
        var expected = System.Security.Cryptography.HMACSHA256.HashData(MacKey,
            (byte[])[(byte)'B', .. BitConverter.GetBytes((long)body.Length), .. ChunkMac(0), .. ChunkMac(1), .. ChunkMac(2)]);

        Assert.Equal(expected, Parallel(body));
    }

    [Fact]
    public void Compute_AnyByteAltered_ChunksSwappedOrTheLastCut_GivesAnotherMac()
    {
        var body = Body(5 * Chunk + 123);
        var mac = Parallel(body);

        for (var at = 0; at < body.Length; at += Chunk / 2)
        {
            var altered = (byte[])body.Clone();
            altered[at] ^= 0x40;
            Assert.NotEqual(mac, Parallel(altered));
        }
        var swapped = (byte[])body.Clone();
        body.AsSpan(0, Chunk).CopyTo(swapped.AsSpan(Chunk));
        body.AsSpan(Chunk, Chunk).CopyTo(swapped);
        Assert.NotEqual(mac, Parallel(swapped));
        Assert.NotEqual(mac, Parallel(body[..(5 * Chunk)]));
    }

    private static byte[] Body(int length)
    {
        var body = new byte[length];
        new Random(length).NextBytes(body);
        return body;
    }

    private static byte[] Parallel(byte[] body)
    {
        var mac = new byte[FingerprintIndexFormat.MacSize];
        using var memory = IndexMemory.Pinned(body);
        IndexBodyMac.Compute(MacKey, memory, 0, mac, Chunk);
        return mac;
    }

    private static byte[] Sequential(byte[] body)
    {
        var mac = new byte[FingerprintIndexFormat.MacSize];
        IndexBodyMac.Compute(MacKey, body.Length, (offset, span) => body.AsSpan(checked((int)offset), span.Length).CopyTo(span), mac, Chunk);
        return mac;
    }
}
