using System.Runtime.InteropServices;

namespace LeakWatch.Core.Matching;

/// <summary>
/// The bytes of an index file as the index reads them in place: a memory-mapped file (the store's, see
/// Service/Storage) or a pinned array (an index built in memory: tests, <see cref="FingerprintIndex(FingerprintSnapshot, long, long)"/>).
/// Must outlive every lookup: <see cref="FingerprintIndex"/> owns it and releases it when disposed.
/// </summary>
public abstract partial class IndexMemory : IDisposable
{
    /// <summary>
    /// Tells the system this process no longer needs the pages of bytes [<paramref name="offset"/>,
    /// <paramref name="offset"/> + <paramref name="length"/>) (the MAC check reads all of a file), without changing
    /// them: a mapped file's pages stay in the page cache and come back on the next read. <paramref name="offset"/> is
    /// on a 4 KiB boundary. Nothing for memory that is not mapped.
    /// </summary>
    public virtual void ReleaseResident(long offset, long length)
    {
    }

    /// <summary>madvise(MADV_DONTNEED) over whole pages of a read-only shared file mapping (Linux; elsewhere nothing).</summary>
    protected static void DropMappedPages(nint start, long length)
    {
        if (!OperatingSystem.IsLinux() || length <= 0) return;
        const int DontNeed = 4;
        // A hint: when refused, or when this system's C library cannot be called, the pages simply stay resident.
        try
        {
            _ = Madvise(start, (nuint)length, DontNeed);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
        }
    }

    [LibraryImport("libc", EntryPoint = "madvise")]
    private static partial int Madvise(nint address, nuint length, int advice);

    /// <summary>The address of the first byte, valid until <see cref="Dispose"/>.</summary>
    public abstract nint Address { get; }

    public abstract long Length { get; }

    public abstract void Dispose();

    public static IndexMemory Pinned(byte[] bytes) => new PinnedMemory(bytes);

    private sealed class PinnedMemory(byte[] bytes) : IndexMemory
    {
        private GCHandle _handle = GCHandle.Alloc(bytes, GCHandleType.Pinned);

        public override nint Address => _handle.AddrOfPinnedObject();

        public override long Length => bytes.Length;

        // An index built in memory and never disposed (a verb's, a test's) still unpins its bytes once collected.
        ~PinnedMemory() => Release();

        public override void Dispose()
        {
            Release();
            GC.SuppressFinalize(this);
        }

        private void Release()
        {
            if (_handle.IsAllocated) _handle.Free();
        }
    }
}

/// <summary>Where <see cref="FingerprintIndexBuilder"/> writes an index file: a file (the store's) or an array.</summary>
public interface IIndexTarget
{
    /// <summary>Sets the final length before anything is written (a file is extended, an array allocated).</summary>
    void SetLength(long length);

    void Write(long offset, ReadOnlySpan<byte> data);

    void Read(long offset, Span<byte> data);
}

/// <summary>An index built in memory, for tests and <see cref="FingerprintIndex(FingerprintSnapshot, long, long)"/>.</summary>
internal sealed class ArrayIndexTarget : IIndexTarget
{
    public byte[] Bytes { get; private set; } = [];

    public void SetLength(long length) => Bytes = GC.AllocateArray<byte>(checked((int)length), pinned: true);

    public void Write(long offset, ReadOnlySpan<byte> data) => data.CopyTo(Bytes.AsSpan(checked((int)offset)));

    public void Read(long offset, Span<byte> data) => Bytes.AsSpan(checked((int)offset), data.Length).CopyTo(data);
}
