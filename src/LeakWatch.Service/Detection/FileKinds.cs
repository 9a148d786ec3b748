using System.Runtime.InteropServices;

namespace LeakWatch.Service.Detection;

/// <summary>
/// What a path names, links followed: only a regular file may be scanned. A device (<c>/dev/zero</c> never ends), a
/// FIFO (opening it blocks until someone writes) or a socket is refused before it is opened. .NET tells files from
/// folders but not these apart, so on Unix the type comes from stat(2), through the runtime's own native shim
/// (System.Native, shipped with every .NET runtime; its FileStatus starts with Flags then Mode on every platform).
/// </summary>
internal static class FileKinds
{
    private const int TypeMask = 0xF000;
    private const int Fifo = 0x1000;
    private const int CharacterDevice = 0x2000;
    private const int BlockDevice = 0x6000;
    private const int Socket = 0xC000;

    /// <summary>Null for a regular file (or where the type cannot be told); else what it is, for the message.</summary>
    public static string? NotRegular(string path)
    {
        if (OperatingSystem.IsWindows()) return null;
        Span<byte> status = stackalloc byte[512];
        try
        {
            if (Stat(path, ref MemoryMarshal.GetReference(status)) != 0) return null;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
        var mode = BitConverter.ToInt32(status[4..8]);
        return (mode & TypeMask) switch
        {
            Fifo => "a FIFO (named pipe)",
            CharacterDevice or BlockDevice => "a device",
            Socket => "a socket",
            _ => null,
        };
    }

    [DllImport("libSystem.Native", EntryPoint = "SystemNative_Stat")]
    private static extern int Stat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, ref byte status);
}
