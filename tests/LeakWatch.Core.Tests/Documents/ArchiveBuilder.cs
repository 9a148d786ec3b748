using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using SharpCompress.Common;
using SharpCompress.Compressors.BZip2;
using SharpCompress.Writers.SevenZip;
using SharpCompressionMode = SharpCompress.Compressors.CompressionMode;

namespace LeakWatch.Core.Tests.Documents;

/// <summary>Archives made in memory for the tests, with the framework's writers (and SharpCompress's for 7z and bzip2).</summary>
internal static class ArchiveBuilder
{
    public static byte[] Zip(params (string Name, byte[] Content)[] entries) => Zip(CompressionLevel.Optimal, entries);

    public static byte[] Zip(CompressionLevel level, params (string Name, byte[] Content)[] entries)
    {
        var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in entries)
            {
                using var entry = zip.CreateEntry(name, level).Open();
                entry.Write(content);
            }
        }

        return output.ToArray();
    }

    public static byte[] Tar(params (string Name, byte[] Content)[] entries)
    {
        var output = new MemoryStream();
        using (var tar = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var (name, content) in entries)
            {
                tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(content) });
            }
        }

        return output.ToArray();
    }

    public static byte[] GZip(byte[] content)
    {
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true)) gzip.Write(content);
        return output.ToArray();
    }

    public static byte[] BZip2(byte[] content)
    {
        var output = new MemoryStream();
        using (var bzip = BZip2Stream.Create(output, SharpCompressionMode.Compress, decompressConcatenated: false, leaveOpen: true))
        {
            bzip.Write(content);
        }

        return output.ToArray();
    }

    public static byte[] SevenZip(params (string Name, byte[] Content)[] entries)
    {
        var output = new MemoryStream();
        using (var writer = new SevenZipWriter(output, new SevenZipWriterOptions(CompressionType.LZMA2) { LeaveStreamOpen = true }))
        {
            foreach (var (name, content) in entries) writer.Write(name, new MemoryStream(content), null);
        }

        return output.ToArray();
    }

    /// <summary>A gzip of <paramref name="bytes"/> zeros, compressed as it is written: a gigabyte never sits in memory.</summary>
    public static byte[] GZipOfZeros(long bytes)
    {
        var output = new MemoryStream();
        var zeros = new byte[1024 * 1024];
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            for (long written = 0; written < bytes; written += zeros.Length) gzip.Write(zeros, 0, (int)Math.Min(zeros.Length, bytes - written));
        }

        return output.ToArray();
    }

    /// <summary>A zip whose single entry is <paramref name="bytes"/> zeros, deflated as it is written.</summary>
    public static byte[] ZipOfZeros(string name, long bytes)
    {
        var output = new MemoryStream();
        var zeros = new byte[1024 * 1024];
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var entry = zip.CreateEntry(name, CompressionLevel.Optimal).Open();
            for (long written = 0; written < bytes; written += zeros.Length) entry.Write(zeros, 0, (int)Math.Min(zeros.Length, bytes - written));
        }

        return output.ToArray();
    }

    public static byte[] Text(string text) => Encoding.UTF8.GetBytes(text);
}

/// <summary>A stream that hides its seekability, as a network body does.</summary>
internal sealed class ForwardOnlyStream(byte[] bytes) : Stream
{
    private readonly MemoryStream _inner = new(bytes);

    public long BytesRead { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = _inner.Read(buffer);
        BytesRead += n;
        return n;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
