using System.Diagnostics;
using System.IO.MemoryMappedFiles;
using LeakWatch.Core.Fingerprinting;
using LeakWatch.Core.Matching;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;

namespace LeakWatch.Service.Storage;

/// <summary>
/// The index file of the active enrollment, in the data folder beside the database (<c>fingerprints-ID.index</c>): a
/// derived cache, built from the store at enrollment (or by the first scan that finds it missing), checked when opened
/// (enrollment id, scheme, keyed MACs) and rebuilt when it does not check. Scans map it read-only and read it in place,
/// so a process's memory does not grow with the base. Built under a temporary name and renamed into place, so a reader
/// never maps half a file; the files of replaced enrollments are deleted.
/// </summary>
internal sealed partial class FingerprintIndexFiles
{
    private const string Prefix = "fingerprints-";
    private const string Extension = ".index";

    private readonly Database _database;
    private readonly ILogger<FingerprintIndexFiles> _logger;

    public FingerprintIndexFiles(Database database, ILogger<FingerprintIndexFiles> logger)
    {
        _database = database;
        _logger = logger;
    }

    private string Folder => Path.GetDirectoryName(Path.GetFullPath(_database.Path))!;

    public string PathOf(long enrollmentId) => Path.Combine(Folder, Prefix + enrollmentId.ToString(System.Globalization.CultureInfo.InvariantCulture) + Extension);

    /// <summary>
    /// The active enrollment's index, opened from its file (built first when missing or not checking), or null when
    /// nothing is enrolled. The caller disposes it once no scan uses it.
    /// </summary>
    public async Task<FingerprintIndex?> OpenActiveAsync(FingerprintKeys keys, CancellationToken cancellationToken) =>
        (await OpenActiveWithIdAsync(keys, cancellationToken))?.Index;

    /// <summary>
    /// As <see cref="OpenActiveAsync"/>, with the id of the enrollment the index is of: what was read of that enrollment
    /// elsewhere (the canaries' shadow flags) goes with this index only when it was read of the same one.
    /// </summary>
    public async Task<(FingerprintIndex Index, long EnrollmentId)?> OpenActiveWithIdAsync(FingerprintKeys keys, CancellationToken cancellationToken)
    {
        await using var source = await StoredFingerprints.OpenActiveAsync(_database, cancellationToken);
        if (source is null) return null;
        return (Open(source, FingerprintIndexFormat.MacKey(keys), cancellationToken), source.EnrollmentId);
    }

    private FingerprintIndex Open(StoredFingerprints source, byte[] macKey, CancellationToken cancellationToken)
    {
        var path = PathOf(source.EnrollmentId);
        if (File.Exists(path))
        {
            var index = TryOpen(path, source.EnrollmentId, macKey, out var problem);
            if (index is not null) return index;
            var name = Path.GetFileName(path);
            Log.IndexFileRefused(_logger, name, problem);
        }
        try
        {
            Build(source, path, macKey, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A read-only or full data folder: scan anyway, with the index in memory (as large as the file would be).
            Log.IndexFileNotWritten(_logger, ex.Message);
            var (bytes, memoryKey) = FingerprintIndexBuilder.BuildInMemory(source, source.EnrollmentId);
            return FingerprintIndex.TryOpen(IndexMemory.Pinned(bytes), source.EnrollmentId, memoryKey, out var problem)
                ?? throw new InvalidDataException("An index built in memory does not check: " + problem);
        }
        return TryOpen(path, source.EnrollmentId, macKey, out var again)
            ?? throw new InvalidDataException($"The index file {Path.GetFileName(path)} just built does not check ({again}).");
    }

    /// <summary>
    /// Builds the active enrollment's index file (after an enrollment); does nothing when nothing is enrolled. A file
    /// that cannot be written (disk full) is logged, not thrown: the enrollment stands, and the first scan tries again.
    /// </summary>
    public async Task BuildActiveAsync(FingerprintKeys keys, CancellationToken cancellationToken)
    {
        await using var source = await StoredFingerprints.OpenActiveAsync(_database, cancellationToken);
        if (source is null) return;
        try
        {
            Build(source, PathOf(source.EnrollmentId), FingerprintIndexFormat.MacKey(keys), cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Log.IndexFileNotWritten(_logger, ex.Message);
        }
    }

    private void Build(StoredFingerprints source, string path, byte[] macKey, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var watch = Stopwatch.StartNew();
        var temporary = path + "." + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture) + ".tmp";
        FingerprintIndexFormat format;
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.ReadWrite, Share = FileShare.None };
            // Keyed fingerprints only, but still the lab's: readable by the service account alone.
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using (var file = new FileStream(temporary, options))
            {
                format = FingerprintIndexBuilder.Build(source, source.EnrollmentId, macKey, new FileTarget(file.SafeFileHandle));
                file.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
        DeleteOthers(path);
        var name = Path.GetFileName(path);
        Log.IndexFileBuilt(_logger, name, format.Patients, format.Linked, format.Members, format.Length, watch.ElapsedMilliseconds);
        // The build's part buffers and the patient references are large objects: give them back before scanning.
        if (format.Length >= 64L << 20)
        {
            System.Runtime.GCSettings.LargeObjectHeapCompactionMode = System.Runtime.GCLargeObjectHeapCompactionMode.CompactOnce;
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        }
    }

    private static FingerprintIndex? TryOpen(string path, long enrollmentId, byte[] macKey, out string problem)
    {
        MappedFile? memory = null;
        try
        {
            memory = new MappedFile(path);
            var index = FingerprintIndex.TryOpen(memory, enrollmentId, macKey, out problem);
            if (index is null) memory.Dispose();
            return index;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            memory?.Dispose();
            problem = "it cannot be read: " + ex.Message;
            return null;
        }
    }

    /// <summary>Index files of other enrollments and temporary files left by a dead build. A file mapped by a running scan stays readable until unmapped (Unix), or stays until the next build (Windows).</summary>
    private void DeleteOthers(string keep)
    {
        foreach (var file in Directory.EnumerateFiles(Folder, Prefix + "*"))
        {
            if (file == keep || !(file.EndsWith(Extension, StringComparison.Ordinal) || file.EndsWith(".tmp", StringComparison.Ordinal))) continue;
            // Another process's build in progress writes its own temporary file: leave it unless it is old.
            if (file.EndsWith(".tmp", StringComparison.Ordinal) && File.GetLastWriteTimeUtc(file) > File.GetLastWriteTimeUtc(keep).AddHours(-1)) continue;
            TryDelete(file);
        }
    }

    private static void TryDelete(string file)
    {
        try
        {
            File.Delete(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Still mapped elsewhere (Windows) or already gone: the next build tries again.
        }
    }

    private sealed class FileTarget(SafeFileHandle handle) : IIndexTarget
    {
        public void SetLength(long length) => RandomAccess.SetLength(handle, length);

        public void Write(long offset, ReadOnlySpan<byte> data) => RandomAccess.Write(handle, data, offset);

        public void Read(long offset, Span<byte> data)
        {
            while (!data.IsEmpty)
            {
                var read = RandomAccess.Read(handle, data, offset);
                if (read == 0) throw new EndOfStreamException("The index file being built ended early.");
                data = data[read..];
                offset += read;
            }
        }
    }

    /// <summary>A read-only mapping of a whole index file.</summary>
    private sealed class MappedFile : IndexMemory
    {
        private readonly MemoryMappedFile _file;
        private readonly MemoryMappedViewAccessor _view;
        private bool _referenced;

        public MappedFile(string path)
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete);
            Length = stream.Length;
            if (Length == 0) throw new IOException("the file is empty");
            _file = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
            try
            {
                _view = _file.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
                var handle = _view.SafeMemoryMappedViewHandle;
                handle.DangerousAddRef(ref _referenced);
                Address = handle.DangerousGetHandle() + (nint)_view.PointerOffset;
            }
            catch
            {
                _view?.Dispose();
                _file.Dispose();
                throw;
            }
        }

        public override nint Address { get; }

        public override long Length { get; }

        // The view maps the file from its first byte, on a page boundary; a range that would not start on one is kept.
        public override void ReleaseResident(long offset, long length)
        {
            var start = Address + (nint)offset;
            if ((start & 4095) == 0 && offset >= 0 && offset + length <= Length) DropMappedPages(start, length);
        }

        public override void Dispose()
        {
            if (_referenced)
            {
                _view.SafeMemoryMappedViewHandle.DangerousRelease();
                _referenced = false;
            }
            _view.Dispose();
            _file.Dispose();
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "Index file {File} is rebuilt: {Problem}")]
        public static partial void IndexFileRefused(ILogger logger, string file, string problem);

        [LoggerMessage(Level = LogLevel.Warning, Message = "The index file cannot be written in the data folder ({Reason}): a scan holds the index in memory instead until it can")]
        public static partial void IndexFileNotWritten(ILogger logger, string reason);

        [LoggerMessage(Level = LogLevel.Information, Message = "Index file {File} built: {Patients} patients, {Linked} linked fingerprints, {Members} set members, {Bytes} bytes in {ElapsedMs} ms")]
        public static partial void IndexFileBuilt(ILogger logger, string file, long patients, long linked, long members, long bytes, long elapsedMs);
    }
}
