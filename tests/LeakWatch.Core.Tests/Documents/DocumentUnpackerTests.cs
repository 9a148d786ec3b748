using System.IO.Compression;
using System.Text;
using LeakWatch.Core.Documents;
using static LeakWatch.Core.Tests.Documents.ArchiveBuilder;

namespace LeakWatch.Core.Tests.Documents;

public sealed class DocumentUnpackerTests
{
    private static readonly byte[] Csv = Text("nom;prenom\nDUPONT;Marie\n");
    private static readonly byte[] Json = Text("[{\"nom\":\"MARTIN\"}]");

    [Fact]
    public void Unpack_PlainFile_IsOneLeafUnderItsName()
    {
        var (result, leaves) = Unpack(Csv, "dump.csv");

        Assert.Equal(["dump.csv"], leaves.Select(l => l.Name));
        Assert.Equal(Csv, leaves[0].Content);
        Assert.Empty(result.Skipped);
        Assert.Equal(Csv.Length, result.BytesRead);
    }

    [Fact]
    public void Unpack_Zip_LeavesInOrderNamedByEntry()
    {
        var zip = Zip(("a.csv", Csv), ("dir/b.json", Json));

        var (result, leaves) = Unpack(zip, "leak.zip");

        Assert.Equal(["leak.zip!a.csv", "leak.zip!dir/b.json"], leaves.Select(l => l.Name));
        Assert.Equal(Csv, leaves[0].Content);
        Assert.Equal(Json, leaves[1].Content);
        Assert.Equal(2, result.Leaves);
    }

    [Fact]
    public void Unpack_TarGz_CompressionAddsNoNameSegment()
    {
        var (_, leaves) = Unpack(GZip(Tar(("x.csv", Csv), ("y.json", Json))), "export.tar.gz");

        Assert.Equal(["export.tar.gz!x.csv", "export.tar.gz!y.json"], leaves.Select(l => l.Name));
        Assert.Equal(Json, leaves[1].Content);
    }

    [Fact]
    public void Unpack_GzipBzip2AndZstandardOfAFile_AreOneLeafEach()
    {
        var gz = Assert.Single(Unpack(GZip(Csv), "dump.csv.gz").Leaves);
        var bz = Assert.Single(Unpack(BZip2(Csv), "dump.csv.bz2").Leaves);
        var zst = Assert.Single(Unpack(Zstandard(Csv), "dump.csv.zst").Leaves);

        Assert.Equal("dump.csv.gz", gz.Name);
        Assert.Equal(Csv, gz.Content);
        Assert.Equal("dump.csv.bz2", bz.Name);
        Assert.Equal(Csv, bz.Content);
        Assert.Equal(Csv, zst.Content);
    }

    [Fact]
    public void Unpack_NestedArchives_NamesChainTheLayers()
    {
        var inner = GZip(Tar(("x.csv", Csv)));
        var outer = Zip(("inner.tar.gz", inner), ("notes.txt", Text("rien")));

        var (result, leaves) = Unpack(outer, "a.zip");

        Assert.Equal(["a.zip!inner.tar.gz!x.csv", "a.zip!notes.txt"], leaves.Select(l => l.Name));
        Assert.Equal(Csv, leaves[0].Content);
        Assert.Empty(result.Skipped);
    }

    [Fact]
    public void Unpack_MagicBytesWinOverTheName()
    {
        var (_, leaves) = Unpack(Zip(("a.csv", Csv)), "photo.jpg");

        Assert.Equal(["photo.jpg!a.csv"], leaves.Select(l => l.Name));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Unpack_SevenZip_SeekableOrBufferedInMemory(bool seekable)
    {
        var archive = SevenZip(("a.csv", Csv), ("b.json", Json));
        var leaves = new List<(string, byte[])>();

        var result = DocumentUnpacker.Unpack(
            seekable ? new MemoryStream(archive) : new ForwardOnlyStream(archive), "x.7z", UnpackLimits.Default, (name, leaf) => leaves.Add((name, ReadAll(leaf))), CancellationToken.None);

        Assert.Equal(["x.7z!a.csv", "x.7z!b.json"], leaves.Select(l => l.Item1));
        Assert.Equal(Csv, leaves[0].Item2);
        Assert.Equal(Json, leaves[1].Item2);
        Assert.Empty(result.Skipped);
    }

    [Fact]
    public void Unpack_SevenZipTooLargeToBuffer_IsSkipped()
    {
        var archive = SevenZip(("a.csv", Csv));
        var limits = UnpackLimits.Default with { MaxBufferedArchiveBytes = 64 };

        var (result, leaves) = Unpack(new ForwardOnlyStream(archive), "x.7z", limits);

        Assert.Empty(leaves);
        Assert.Contains("7z archive larger than 64 bytes", Assert.Single(result.Skipped).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Unpack_GzipOfAGigabyteOfZeros_IsRefusedAfterAFewMegabytes()
    {
        var bomb = GZipOfZeros(1L * 1024 * 1024 * 1024);
        var delivered = 0L;
        var input = new ForwardOnlyStream(bomb);
        var allocated = GC.GetAllocatedBytesForCurrentThread();

        var result = DocumentUnpacker.Unpack(input, "zeros.gz", UnpackLimits.Default, (_, leaf) =>
        {
            var buffer = new byte[81920];
            int n;
            while ((n = leaf.Read(buffer)) > 0) delivered += n;
        }, CancellationToken.None);
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;

        var skipped = Assert.Single(result.Skipped);
        Assert.Equal("zeros.gz", skipped.Name);
        Assert.Contains("compression ratio", skipped.Reason, StringComparison.Ordinal);
        Assert.True(skipped.Partial);
        Assert.True(result.BytesDecompressed < 16L * 1024 * 1024, $"{result.BytesDecompressed} bytes expanded");
        Assert.True(delivered < 16L * 1024 * 1024);
        Assert.True(input.BytesRead < bomb.Length / 4, $"{input.BytesRead} of {bomb.Length} compressed bytes read");
        Assert.True(allocated < 32L * 1024 * 1024, $"{allocated} bytes allocated");
    }

    [Fact]
    public void Unpack_ZipBombEntryNobodyReads_IsStillStoppedByTheLimits()
    {
        var bomb = ZipOfZeros("zeros.bin", 512L * 1024 * 1024);
        var zip = Zip(("first.csv", Csv));
        var outer = Zip(CompressionLevel.NoCompression, ("first.zip", zip), ("bomb.zip", bomb), ("after.csv", Csv));
        var input = new ForwardOnlyStream(outer);
        var names = new List<string>();

        // The consumer reads nothing: skipping the entry must not expand it behind the limits' back.
        var result = DocumentUnpacker.Unpack(input, "outer.zip", UnpackLimits.Default, (name, _) => names.Add(name), CancellationToken.None);

        Assert.Contains("outer.zip!first.zip!first.csv", names);
        Assert.Contains(result.Skipped, s => s.Name == "outer.zip!bomb.zip!zeros.bin" && s.Reason.Contains("ratio", StringComparison.Ordinal));
        Assert.True(result.BytesDecompressed < 64L * 1024 * 1024, $"{result.BytesDecompressed} bytes expanded");
    }

    [Fact]
    public void Unpack_TwentyThousandEntries_StopsAtTheEntryLimitWithAReason()
    {
        var entries = Enumerable.Range(0, 20_000).Select(i => ($"f{i}.txt", Text("x"))).ToArray();
        var zip = Zip(CompressionLevel.NoCompression, entries);

        var (result, leaves) = Unpack(zip, "many.zip");

        Assert.Equal(10_000, leaves.Count);
        var skipped = Assert.Single(result.Skipped);
        Assert.Equal("many.zip", skipped.Name);
        Assert.Contains("more than 10000 entries", skipped.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Unpack_NestedTenLevelsDeep_StopsAtTheDepthLimit()
    {
        var content = Csv;
        for (var level = 9; level >= 0; level--) content = Zip(($"level{level}.zip", content));

        var (result, leaves) = Unpack(content, "deep.zip");

        Assert.Empty(leaves);
        var skipped = Assert.Single(result.Skipped);
        Assert.Equal("deep.zip!level0.zip!level1.zip!level2.zip!level3.zip", skipped.Name);
        Assert.Contains("nested deeper than 4", skipped.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Unpack_TotalLimit_StopsEveryLayer()
    {
        var big = Enumerable.Repeat((byte)'a', 1000).ToArray();
        var zip = Zip(("1.txt", big), ("2.txt", big), ("3.txt", big));
        var limits = UnpackLimits.Default with { MaxEntryBytes = 1500, MaxTotalBytes = 1500 };

        var (result, leaves) = Unpack(zip, "t.zip", limits);

        Assert.Equal(["t.zip!1.txt"], leaves.Select(l => l.Name));
        var skipped = Assert.Single(result.Skipped);
        Assert.Equal("t.zip!2.txt", skipped.Name);
        Assert.Contains("in total", skipped.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Unpack_GarbageAfterZipMagic_IsSkippedWithoutThrowing()
    {
        var junk = new byte[200];
        new Random(7).NextBytes(junk);
        "PK\u0003\u0004"u8.CopyTo(junk);

        var (result, leaves) = Unpack(junk, "junk.zip");

        Assert.Empty(leaves);
        Assert.Equal("junk.zip", Assert.Single(result.Skipped).Name);
    }

    [Fact]
    public void Unpack_CorruptDeflateData_SkipsTheEntryWithAReason()
    {
        var random = new Random(1);
        var text = Text(string.Concat(Enumerable.Range(0, 20_000).Select(_ => random.Next() + ";")));
        var zip = Zip(("a.csv", text));
        for (var i = 2000; i < 2100; i++) zip[i] ^= 0x5A;

        var (result, _) = Unpack(zip, "bad.zip");

        var skipped = Assert.Single(result.Skipped);
        Assert.Equal("bad.zip!a.csv", skipped.Name);
        Assert.Contains("corrupt", skipped.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Unpack_CorruptGzip_KeepsWhatCameBeforeAndSaysItIsPartial()
    {
        var random = new Random(1);
        var text = Text(string.Concat(Enumerable.Range(0, 20_000).Select(_ => random.Next() + ";")));
        var gzip = GZip(text);
        for (var i = gzip.Length / 2; i < (gzip.Length / 2) + 50; i++) gzip[i] ^= 0x5A;

        var (result, leaves) = Unpack(gzip, "cut.csv.gz");

        var leaf = Assert.Single(leaves);
        Assert.True(leaf.Content.Length > 0);
        Assert.Equal(text.AsSpan(0, 1000).ToArray(), leaf.Content.AsSpan(0, 1000).ToArray());
        var skipped = Assert.Single(result.Skipped);
        Assert.Contains("corrupt", skipped.Reason, StringComparison.Ordinal);
        Assert.True(skipped.Partial);
    }

    [Fact]
    public void Unpack_TruncatedGzip_KeepsItsBeginningAndSaysItIsTruncated()
    {
        var text = Lines(50_000);
        var gzip = GZip(text);

        var (result, leaves) = Unpack(gzip[..(gzip.Length / 2)], "cut.csv.gz");

        var leaf = Assert.Single(leaves);
        Assert.True(leaf.Content.Length > 1000);
        Assert.Equal(text.AsSpan(0, 1000).ToArray(), leaf.Content.AsSpan(0, 1000).ToArray());
        var skipped = Assert.Single(result.Skipped);
        Assert.Equal("cut.csv.gz", skipped.Name);
        Assert.StartsWith("truncated gzip: ", skipped.Reason, StringComparison.Ordinal);
        Assert.True(skipped.Partial);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(8)]
    public void Unpack_GzipMissingPartOfItsTrailer_IsTruncated(int cut)
    {
        var gzip = GZip(Lines(1000));

        var (result, leaves) = Unpack(gzip[..^cut], "cut.csv.gz");

        Assert.Single(leaves);
        Assert.StartsWith("truncated gzip: ", Assert.Single(result.Skipped).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Unpack_ConcatenatedGzipMembers_AreReadWholeAndClean()
    {
        var first = Lines(3000);
        var second = Text("3000;MARTIN;Paul\n");
        var (result, leaves) = Unpack([.. GZip(first), .. GZip(second)], "two.csv.gz");

        Assert.Empty(result.Skipped);
        Assert.Equal([.. first, .. second], Assert.Single(leaves).Content);
    }

    [Fact]
    public void Unpack_ConcatenatedGzipWithTheSecondMemberCut_IsTruncated()
    {
        var second = GZip(Lines(3000));
        var (result, leaves) = Unpack([.. GZip(Lines(10)), .. second[..(second.Length / 2)]], "two.csv.gz");

        Assert.Single(leaves);
        Assert.StartsWith("truncated gzip: ", Assert.Single(result.Skipped).Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("bzip2")]
    [InlineData("zstd")]
    public void Unpack_TruncatedBzip2OrZstandard_IsReportedInPart(string format)
    {
        var text = Lines(50_000);
        var packed = format == "bzip2" ? BZip2(text) : Zstandard(text);

        var (result, _) = Unpack(packed[..(packed.Length / 2)], "cut.csv." + format);

        var skipped = Assert.Single(result.Skipped);
        Assert.Equal("cut.csv." + format, skipped.Name);
        Assert.StartsWith($"truncated {format}: ", skipped.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Unpack_TruncatedTarGz_KeepsTheEntriesBeforeTheCutAndSaysSo()
    {
        var tarGz = GZip(Tar(("a.csv", Csv), ("b.csv", Lines(50_000))));

        var (result, leaves) = Unpack(tarGz[..(tarGz.Length / 2)], "export.tar.gz");

        Assert.Equal("export.tar.gz!a.csv", leaves[0].Name);
        Assert.Equal(Csv, leaves[0].Content);
        Assert.Contains(result.Skipped, s => s.Reason.StartsWith("truncated gzip: ", StringComparison.Ordinal) && s.Partial);
    }

    [Fact]
    public void Unpack_TruncatedTar_SaysTheEntryIsTruncated()
    {
        var tar = Tar(("a.csv", Csv), ("b.csv", Lines(5000)));

        var (result, leaves) = Unpack(tar[..(tar.Length / 2)], "export.tar");

        Assert.Equal(Csv, leaves[0].Content);
        var skipped = Assert.Single(result.Skipped);
        Assert.Equal("export.tar!b.csv", skipped.Name);
        Assert.StartsWith("truncated tar: ", skipped.Reason, StringComparison.Ordinal);
        Assert.True(skipped.Partial);
    }

    [Theory]
    [InlineData(CompressionLevel.Optimal)]
    [InlineData(CompressionLevel.NoCompression)]
    public void Unpack_TruncatedZipEntry_IsReportedWithWhatCameBefore(CompressionLevel level)
    {
        var zip = Zip(level, ("a.csv", Csv), ("b.csv", Lines(50_000)));

        var (result, leaves) = Unpack(zip[..(zip.Length / 2)], "leak.zip");

        Assert.Equal(Csv, leaves[0].Content);
        var skipped = Assert.Single(result.Skipped);
        Assert.StartsWith("leak.zip", skipped.Name, StringComparison.Ordinal);
        Assert.Contains("truncated", skipped.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Unpack_TruncatedSevenZip_IsSkippedWithAReason(bool seekable)
    {
        var archive = SevenZip(("a.csv", Csv), ("b.csv", Lines(5000)));
        var cut = archive[..(archive.Length / 2)];

        var (result, _) = Unpack(seekable ? new MemoryStream(cut) : new ForwardOnlyStream(cut), "x.7z");

        var skipped = Assert.Single(result.Skipped);
        Assert.Equal("x.7z", skipped.Name);
        Assert.False(string.IsNullOrEmpty(skipped.Reason));
    }

    [Fact]
    public void Unpack_EncryptedEntry_StopsTheArchiveAfterWhatCameBefore()
    {
        var zip = Zip(CompressionLevel.NoCompression, ("open.csv", Csv), ("secret.csv", Csv));

        // Set the "encrypted" flag of the second entry, in its local header and in the central directory.
        var second = IndexOf(zip.AsSpan(4).ToArray(), [0x50, 0x4B, 0x03, 0x04]) + 4;
        zip[second + 6] |= 1;
        var central = IndexOf(zip, [0x50, 0x4B, 0x01, 0x02]);
        var secondCentral = IndexOf(zip.AsSpan(central + 4).ToArray(), [0x50, 0x4B, 0x01, 0x02]) + central + 4;
        zip[secondCentral + 8] |= 1;

        var (result, leaves) = Unpack(zip, "e.zip");

        Assert.Equal(["e.zip!open.csv"], leaves.Select(l => l.Name));
        var skipped = Assert.Single(result.Skipped);
        Assert.Equal("e.zip", skipped.Name);
        Assert.Contains("encrypted", skipped.Reason, StringComparison.Ordinal);
        Assert.True(skipped.Partial);
    }

    [Fact]
    public void Unpack_ConsumerException_Propagates()
    {
        Assert.Throws<InvalidOperationException>(() =>
            DocumentUnpacker.Unpack(new MemoryStream(Zip(("a.csv", Csv))), "a.zip", UnpackLimits.Default, (_, _) => throw new InvalidOperationException("bug"), CancellationToken.None));
    }

    [Fact]
    public void Unpack_Cancelled_Throws()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() =>
            DocumentUnpacker.Unpack(new MemoryStream(Zip(("a.csv", Csv))), "a.zip", UnpackLimits.Default, (_, _) => { }, cancelled.Token));
    }

    [Fact]
    public void Limits_Nonsense_IsRefusedUpFront()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => (UnpackLimits.Default with { MaxDepth = 0 }).Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => (UnpackLimits.Default with { MaxCompressionRatio = 0.5 }).Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => (UnpackLimits.Default with { MaxTotalBytes = 10, MaxEntryBytes = 100 }).Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            DocumentUnpacker.Unpack(new MemoryStream(Csv), "a", UnpackLimits.Default with { MaxEntries = 0 }, (_, _) => { }, CancellationToken.None));
        UnpackLimits.Default.Validate();
    }

    [Fact]
    public void Sniff_TarWithoutUstarMagic_IsRecognizedByItsChecksum()
    {
        var tar = Tar(("a.csv", Csv));
        "\0\0\0\0\0\0"u8.CopyTo(tar.AsSpan(257));
        var sum = 0;
        for (var i = 0; i < 512; i++) sum += i is >= 148 and < 156 ? ' ' : tar[i];
        Encoding.ASCII.GetBytes(Convert.ToString(sum, 8).PadLeft(6, '0') + "\0 ").CopyTo(tar, 148);

        Assert.Equal(ArchiveKind.Tar, ArchiveSniffer.Detect(tar.AsSpan(0, 512)));
        Assert.Equal(ArchiveKind.None, ArchiveSniffer.Detect(Csv));
    }

    private static (UnpackResult Result, List<(string Name, byte[] Content)> Leaves) Unpack(byte[] content, string name, UnpackLimits? limits = null) =>
        Unpack(new MemoryStream(content), name, limits);

    private static (UnpackResult Result, List<(string Name, byte[] Content)> Leaves) Unpack(Stream content, string name, UnpackLimits? limits = null)
    {
        var leaves = new List<(string, byte[])>();
        var result = DocumentUnpacker.Unpack(content, name, limits ?? UnpackLimits.Default, (leafName, leaf) => leaves.Add((leafName, ReadAll(leaf))), CancellationToken.None);
        return (result, leaves);
    }

    /// <summary>Reads a leaf the way a tolerant consumer does: what arrived before a refusal is kept.</summary>
    internal static byte[] ReadAll(Stream leaf)
    {
        var copy = new MemoryStream();
        try
        {
            leaf.CopyTo(copy);
        }
        catch (IOException)
        {
            // A refused or corrupt leaf: the unpacker lists it as skipped.
        }

        return copy.ToArray();
    }

    private static byte[] Lines(int count) => Text(string.Concat(Enumerable.Range(0, count).Select(i => $"{i};DUPONT;Marie\n")));

    private static int IndexOf(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle);
}
