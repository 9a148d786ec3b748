using System.IO.Compression;
using LeakWatch.Core.Documents.Mail;
using LeakWatch.Core.Documents.Office;
using SharpCompress.Archives.SevenZip;
using SharpCompress.Compressors.BZip2;
using SharpCompress.Compressors.Xz;
using SharpCompress.Compressors.ZStandard;
using SharpCompress.Readers;
using SharpCompress.Readers.Zip;
using SharpCompressionMode = SharpCompress.Compressors.CompressionMode;

namespace LeakWatch.Core.Documents;

/// <summary>
/// Opens archives and compressed files, recursively, and hands every leaf document to a callback as a stream, one at
/// a time and in order: nothing is extracted to disk or held whole in memory (except a non-seekable 7z, which needs
/// random access and is copied into memory within <see cref="UnpackLimits.MaxBufferedArchiveBytes"/>).
/// Leaves are named <c>outer.zip!inner.tar.gz!x.csv</c>; a compression layer (gzip, bzip2, xz, zstd) adds no segment.
/// Documents that are not text become text leaves here, under the same limits: a spreadsheet's sheets
/// (<c>book.xlsx!Feuil1</c>, tab-separated with the header row first), a word-processing document's tables and
/// paragraphs (<c>report.docx!table1</c>, <c>report.docx!text</c>), a PDF's text layer, a mail's headers and bodies
/// (<c>mail.eml!headers</c>, <c>mail.eml!body1.txt</c>), its attachments unpacked in turn (<c>mail.eml!dump.zip!x.csv</c>).
/// Bombs, encrypted and corrupt archives are skipped with a reason instead of throwing.
/// </summary>
public static class DocumentUnpacker
{
    private static readonly ReaderOptions ReaderOptions = new() { LeaveStreamOpen = true };

    /// <summary>
    /// Without this framework switch a truncated gzip or deflate stream just ends, and a cut document reads as clean.
    /// The build writes it into every runtimeconfig.json; this covers a host that lacks it, if set before the first inflate.
    /// </summary>
    private const string StrictValidationSwitch = "System.IO.Compression.UseStrictValidation";

    static DocumentUnpacker()
    {
        if (!AppContext.TryGetSwitch(StrictValidationSwitch, out _)) AppContext.SetSwitch(StrictValidationSwitch, true);
    }

    /// <summary>Unpacks <paramref name="content"/>; the stream passed to <paramref name="onLeaf"/> is valid during the call only.</summary>
    /// <remarks>
    /// An exception thrown by <paramref name="onLeaf"/> propagates, unless it is the refusal of a limit or a corrupt entry
    /// (then the leaf is listed in <see cref="UnpackResult.Skipped"/>). Cancellation propagates.
    /// </remarks>
    public static UnpackResult Unpack(
        Stream content, string name, UnpackLimits limits, Action<string, Stream> onLeaf, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentNullException.ThrowIfNull(onLeaf);
        limits.Validate();

        var root = new CountingStream(content);
        var session = new UnpackSession(limits, cancellationToken);
        new Walker(session, onLeaf).Visit(root, name, depth: 0);
        return new UnpackResult(session.Leaves, session.Entries, root.BytesRead, session.BytesDecompressed, session.Skipped);
    }

    private sealed class Walker(UnpackSession session, Action<string, Stream> onLeaf)
    {
        private UnpackLimits Limits => session.Limits;

        public void Visit(Stream stream, string name, int depth)
        {
            session.CancellationToken.ThrowIfCancellationRequested();
            var input = ReplayStream.Peek(stream, ArchiveSniffer.HeadBytes, out var head);
            var kind = ArchiveSniffer.Detect(head.Span);
            if (kind == ArchiveKind.None)
            {
                session.Leaves++;
                onLeaf(name, input);
                return;
            }

            if (depth >= Limits.MaxDepth)
            {
                session.Skip(name, $"archive nested deeper than {Limits.MaxDepth} levels");
                return;
            }

            switch (kind)
            {
                case ArchiveKind.GZip or ArchiveKind.BZip2 or ArchiveKind.Xz or ArchiveKind.Zstandard:
                    Decompress(kind, input, name, depth);
                    break;
                case ArchiveKind.SevenZip:
                    ReadSevenZip(input, name, depth);
                    break;
                case ArchiveKind.OfficeZip:
                    Listed(name, () => ReadOffice(input, name, depth));
                    break;
                case ArchiveKind.Ole2:
                    Listed(name, () => ReadXls(input, name));
                    break;
                case ArchiveKind.Pdf:
                    Listed(name, () => ReadPdf(input, name));
                    break;
                case ArchiveKind.Mail or ArchiveKind.Mbox:
                    new MailReader(session, EmitText, (attachment, attachmentName, encodedLength) =>
                    {
                        var guard = new GuardedStream(attachment, session, attachmentName, encodedLength);
                        Guarded(guard, () =>
                        {
                            Visit(guard, attachmentName, depth + 1);
                            guard.DrainToEnd();
                        });
                    }).Read(input, name, kind == ArchiveKind.Mbox, depth);
                    break;
                default:
                    ReadArchive(kind, input, name, depth);
                    break;
            }
        }

        private void Decompress(ArchiveKind kind, Stream input, string name, int depth)
        {
            var counted = new CountingStream(input);
            Stream decompressor;
            try
            {
                decompressor = kind switch
                {
                    ArchiveKind.GZip => new GZipStream(counted, CompressionMode.Decompress, leaveOpen: true),
                    ArchiveKind.BZip2 => BZip2Stream.Create(
                        counted, SharpCompressionMode.Decompress, decompressConcatenated: true, leaveOpen: true),
                    ArchiveKind.Xz => new XZStream(counted),
                    _ => new DecompressionStream(counted, leaveOpen: true),
                };
            }
            catch (Exception ex) when (IsBadInput(ex))
            {
                session.Skip(name, counted.ReachedEnd ? GuardedStream.Truncated(Format(kind), ex) : Corrupt(ex));
                return;
            }

            using (decompressor)
            {
                var guard = new GuardedStream(decompressor, session, name, counted, Format(kind));
                Guarded(guard, () =>
                {
                    Visit(guard, name, depth + 1);
                    guard.DrainToEnd();
                });
            }
        }

        private void ReadArchive(ArchiveKind kind, Stream input, string name, int depth)
        {
            var counted = new CountingStream(input);
            IReader reader;
            try
            {
                reader = kind switch
                {
                    ArchiveKind.Zip => ZipReader.OpenReader(counted, ReaderOptions),

                    // TarReader.OpenReader cannot read a forward-only stream (0.50.8); the factory wraps it first.
                    _ => ReaderFactory.OpenReader(counted, ReaderOptions),
                };
            }
            catch (Exception ex) when (IsBadInput(ex))
            {
                session.Skip(name, counted.ReachedEnd ? GuardedStream.Truncated(Format(kind), ex) : Corrupt(ex));
                return;
            }

            using (reader) ReadEntries(reader, counted, name, depth, Format(kind));
        }

        private void ReadSevenZip(Stream input, string name, int depth)
        {
            long buffered = 0;
            Stream source;
            if (input.CanSeek)
            {
                source = input;
            }
            else
            {
                var copy = Buffer(input, name);
                if (copy is null) return;
                source = copy;
                buffered = copy.Length;
            }

            session.BufferedBytes += buffered;
            try
            {
                var counted = new CountingStream(source);
                SharpCompress.Archives.IArchive archive;
                IReader reader;
                try
                {
                    archive = SevenZipArchive.OpenArchive(counted, ReaderOptions);
                    reader = archive.ExtractAllEntries();
                }
                catch (Exception ex) when (IsBadInput(ex))
                {
                    session.Skip(name, Corrupt(ex));
                    return;
                }

                using (archive)
                using (reader)
                {
                    ReadEntries(reader, counted, name, depth, "7z");
                }
            }
            finally
            {
                session.BufferedBytes -= buffered;
                if (!ReferenceEquals(source, input)) source.Dispose();
            }
        }

        /// <summary>
        /// Runs a reader of a document that is not text; when it yields no text and no reason (an empty workbook, a PDF
        /// of blank pages), the document is still handed over, empty, so that it is listed as read and found clean.
        /// </summary>
        private void Listed(string name, Action read)
        {
            var leaves = session.Leaves;
            var skipped = session.Skipped.Count;
            read();
            if (session.Leaves != leaves || session.Skipped.Count != skipped) return;
            using var empty = new StringText(session, name, "");
            EmitText(empty);
        }

        /// <summary>Hands a text made from a document that is not text to the callback.</summary>
        private void EmitText(TextLeafStream leaf)
        {
            session.Leaves++;
            onLeaf(leaf.Name, leaf);
        }

        /// <summary>An .xlsx, .xlsm, .docx, .ods or .odt, by random access; a zip that turns out to be none is read as a zip.</summary>
        private void ReadOffice(Stream input, string name, int depth)
        {
            var source = input.CanSeek ? input : Buffer(input, name, "office document");
            if (source is null) return;
            var start = source.Position;
            var buffered = ReferenceEquals(source, input) ? 0 : source.Length;
            session.BufferedBytes += buffered;
            try
            {
                ZipArchive zip;
                try
                {
                    zip = new ZipArchive(source, ZipArchiveMode.Read, leaveOpen: true);
                }
                catch (Exception ex) when (IsBadInput(ex))
                {
                    session.Skip(name, Corrupt(ex));
                    return;
                }

                var plainZip = false;
                using (zip)
                {
                    var package = new OfficePackage(zip, session, name);
                    session.Entries += package.EntryCount;
                    if (session.Entries > Limits.MaxEntries)
                    {
                        session.Exhausted = true;
                        session.Skip(name, $"more than {Limits.MaxEntries} entries: not read");
                        return;
                    }

                    try
                    {
                        switch (package.Detect(out var mainPart))
                        {
                            case OfficeKind.Spreadsheet:
                                XlsxReader.Read(package, mainPart!, EmitText);
                                break;
                            case OfficeKind.WordProcessing:
                                FlowDocument.Emit(session, name, () => new DocxFlowReader(package, mainPart!), EmitText);
                                break;
                            case OfficeKind.OpenDocumentSpreadsheet:
                                OdfReader.ReadSpreadsheet(package, EmitText);
                                break;
                            case OfficeKind.OpenDocumentText:
                                FlowDocument.Emit(session, name, () => new OdtFlowReader(package), EmitText);
                                break;
                            default:
                                session.Entries -= package.EntryCount;
                                plainZip = true;
                                break;
                        }
                    }
                    catch (Exception ex) when (UnpackRefusedException.Find(ex)?.Guard?.Name.StartsWith(name + "!", StringComparison.Ordinal) == true)
                    {
                        // A part was refused (a bomb): recorded by its guard; the document is given up.
                    }
                    catch (Exception ex) when (IsBadInput(ex))
                    {
                        session.Skip(name, $"corrupt or unsupported office document ({ex.GetType().Name})", partial: true);
                    }
                }

                if (plainZip)
                {
                    source.Position = start;
                    ReadArchive(ArchiveKind.Zip, source, name, depth);
                }
            }
            finally
            {
                session.BufferedBytes -= buffered;
                if (!ReferenceEquals(source, input)) source.Dispose();
            }
        }

        /// <summary>A legacy .xls: ExcelDataReader needs random access, so it is read in memory within the buffer budget.</summary>
        private void ReadXls(Stream input, string name)
        {
            if (input.CanSeek && input.Length - input.Position > Limits.MaxBufferedArchiveBytes)
            {
                session.Skip(name, $"OLE2 document larger than {Limits.MaxBufferedArchiveBytes} bytes: not read");
                return;
            }

            var source = input.CanSeek ? input : Buffer(input, name, "OLE2 document (.xls)");
            if (source is null) return;
            var buffered = ReferenceEquals(source, input) ? 0 : source.Length;
            session.BufferedBytes += buffered;
            try
            {
                if (XlsReader.Read(session, name, source, EmitText) is { } reason) session.Skip(name, reason);
            }
            finally
            {
                session.BufferedBytes -= buffered;
                if (!ReferenceEquals(source, input)) source.Dispose();
            }
        }

        private void ReadPdf(Stream input, string name)
        {
            using var copy = Buffer(input, name, "PDF");
            if (copy is null) return;
            session.BufferedBytes += copy.Length;
            try
            {
                using var text = PdfText.Open(session, name, copy.GetBuffer().AsMemory(0, (int)copy.Length));
                if (text is null) return;
                if (text.HasText()) EmitText(text);
                else text.Drain();
            }
            finally
            {
                session.BufferedBytes -= copy.Length;
            }
        }

        /// <summary>Copies a document that needs random access into memory within the buffer budget; null (and skipped) when it does not fit.</summary>
        private MemoryStream? Buffer(Stream input, string name, string what = "7z archive")
        {
            var budget = Limits.MaxBufferedArchiveBytes - session.BufferedBytes;
            var memory = new MemoryStream();
            var scratch = session.Scratch;
            while (true)
            {
                var n = input.Read(scratch);
                if (n == 0) break;
                if (memory.Length + n > budget)
                {
                    memory.Dispose();
                    session.Skip(name, $"{what} larger than {Limits.MaxBufferedArchiveBytes} bytes: random access would need it in memory");
                    return null;
                }

                memory.Write(scratch, 0, n);
            }

            memory.Position = 0;
            return memory;
        }

        private void ReadEntries(IReader reader, CountingStream counted, string name, int depth, string format)
        {
            var delivered = false;
            while (!session.Exhausted)
            {
                session.CancellationToken.ThrowIfCancellationRequested();
                bool moved;
                try
                {
                    moved = reader.MoveToNextEntry();
                }
                catch (Exception ex) when (IsBadInput(ex))
                {
                    session.Skip(name, counted.ReachedEnd ? GuardedStream.Truncated(format, ex) : Corrupt(ex), partial: delivered);
                    return;
                }

                if (!moved) return;
                if (++session.Entries > Limits.MaxEntries)
                {
                    session.Exhausted = true;
                    session.Skip(name, $"more than {Limits.MaxEntries} entries: the rest was not read", partial: true);
                    return;
                }

                var entry = reader.Entry;
                if (entry.IsDirectory) continue;
                var entryName = name + "!" + EntryName(entry.Key, session.Entries);
                if (entry.IsEncrypted)
                {
                    session.Skip(entryName, "encrypted");
                    continue;
                }

                Stream entryStream;
                try
                {
                    entryStream = reader.OpenEntryStream();
                }
                catch (Exception ex) when (IsBadInput(ex))
                {
                    session.Skip(entryName, counted.ReachedEnd ? GuardedStream.Truncated(format, ex) : Corrupt(ex));
                    return;
                }

                var guard = new GuardedStream(entryStream, session, entryName, counted, format);
                Guarded(guard, () =>
                {
                    Visit(guard, entryName, depth + 1);
                    guard.DrainToEnd();

                    // A tar entry cut short just ends (SharpCompress reports nothing): its header said how long it is.
                    if (entry.Size > 0 && guard.Produced < entry.Size && counted.ReachedEnd) guard.Refuse(GuardedStream.Truncated(format));
                });
                delivered = true;

                // A refused entry is abandoned with its archive: skipping the rest of it would expand the bomb.
                if (guard.StopReason is not null)
                {
                    reader.Cancel();
                    entryStream.Dispose();
                    return;
                }

                entryStream.Dispose();
            }
        }

        /// <summary>Runs <paramref name="action"/>; a refusal of <paramref name="guard"/> itself ends it quietly.</summary>
        private static void Guarded(GuardedStream guard, Action action)
        {
            try
            {
                action();
            }
            catch (Exception ex) when (UnpackRefusedException.Find(ex)?.Guard == guard)
            {
                // Already recorded as skipped by the guard; the layers above carry on.
            }
        }

        private static string Format(ArchiveKind kind) => kind switch
        {
            ArchiveKind.GZip => "gzip",
            ArchiveKind.BZip2 => "bzip2",
            ArchiveKind.Xz => "xz",
            ArchiveKind.Zstandard => "zstd",
            ArchiveKind.SevenZip => "7z",
            _ => kind.ToString().ToLowerInvariant(),
        };

        /// <summary>Hostile bytes make archive readers throw anything; a refusal from another layer or a cancellation is no such failure.</summary>
        private static bool IsBadInput(Exception ex) => ex is not OperationCanceledException && UnpackRefusedException.Find(ex) is null;

        /// <summary>SharpCompress has its own CryptographicException for a missing password; the framework's means the same.</summary>
        private static string Corrupt(Exception ex) => ex.GetType().Name == "CryptographicException"
            ? "encrypted (no password): the rest of the archive was not read"
            : $"corrupt or unsupported archive ({ex.GetType().Name})";

        private static string EntryName(string? key, int index)
        {
            if (string.IsNullOrWhiteSpace(key)) return "entry" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var clean = new string(key.Select(c => char.IsControl(c) ? '_' : c == '\\' ? '/' : c).ToArray());
            return clean.Length <= 200 ? clean : clean[..200];
        }
    }
}
