namespace LeakWatch.Core.Normalization;

/// <summary>What one character is to a name.</summary>
internal enum CharKind : byte
{
    /// <summary>Digits, symbols, non-Latin scripts: the text is not a name.</summary>
    Reject = 0,
    Letter,
    /// <summary>Spaces, apostrophes, hyphens, dots...: a word boundary.</summary>
    Separator,
    /// <summary>Combining marks, zero-width characters, soft hyphens: dropped without breaking the word.</summary>
    Ignorable,
}

/// <summary>
/// Folds Latin letters to upper-case ASCII (A-Z) without ICU. The process runs with InvariantGlobalization,
/// where string.Normalize(FormKD) does not decompose, and a table is faster anyway. The tables were generated
/// from Unicode NFKD (diacritics dropped) plus the letters NFKD leaves alone (Œ, Æ, ß, Ø, Ł, Đ, Þ, Ħ, ı...),
/// two characters per code point, '_' as padding, "__" for "not a Latin letter". LatinFoldingTableTests
/// (LeakWatch.Core.UnicodeTests, a process with ICU) regenerates them from NFKD and lists those letters.
/// </summary>
internal static class LatinFolding
{
    // U+00C0..U+024F: Latin-1 Supplement letters and Latin Extended-A/B.
    private const string Latin1AndExtended =
        "A_A_A_A_A_A_AEC_E_E_E_E_I_I_I_I_" + // U+00C0
        "D_N_O_O_O_O_O___O_U_U_U_U_Y_THSS" + // U+00D0
        "A_A_A_A_A_A_AEC_E_E_E_E_I_I_I_I_" + // U+00E0
        "D_N_O_O_O_O_O___O_U_U_U_U_Y_THY_" + // U+00F0
        "A_A_A_A_A_A_C_C_C_C_C_C_C_C_D_D_" + // U+0100
        "D_D_E_E_E_E_E_E_E_E_E_E_G_G_G_G_" + // U+0110
        "G_G_G_G_H_H_H_H_I_I_I_I_I_I_I_I_" + // U+0120
        "I_I_IJIJJ_J_K_K_K_L_L_L_L_L_L_L_" + // U+0130
        "L_L_L_N_N_N_N_N_N___N_N_O_O_O_O_" + // U+0140
        "O_O_OEOER_R_R_R_R_R_S_S_S_S_S_S_" + // U+0150
        "S_S_T_T_T_T_T_T_U_U_U_U_U_U_U_U_" + // U+0160
        "U_U_U_U_W_W_Y_Y_Y_Z_Z_Z_Z_Z_Z_S_" + // U+0170
        "B_B_B_B_______C_C___D_D_D_______" + // U+0180
        "__F_F_G_______I_K_K_L_____N_N_O_" + // U+0190
        "O_O_____P_P___________T_T_T_T_U_" + // U+01A0
        "U___V_Y_Y_Z_Z___________________" + // U+01B0
        "________DZDZDZLJLJLJNJNJNJA_A_I_" + // U+01C0
        "I_O_O_U_U_U_U_U_U_U_U_U_U___A_A_" + // U+01D0
        "A_A_AEAEG_G_G_G_K_K_O_O_O_O_____" + // U+01E0
        "J_DZDZDZG_G_____N_N_A_A_AEAEO_O_" + // U+01F0
        "A_A_A_A_E_E_E_E_I_I_I_I_O_O_O_O_" + // U+0200
        "R_R_R_R_U_U_U_U_S_S_T_T_____H_H_" + // U+0210
        "N_D_____Z_Z_A_A_E_E_O_O_O_O_O_O_" + // U+0220
        "O_O_Y_Y_L_N_T_J_____A_C_C_L_T_S_" + // U+0230
        "Z_____B_____E_E_J_J_Q_Q_R_R_Y_Y_"; // U+0240

    // U+1E00..U+1EFF: Latin Extended Additional (Vietnamese and others: Ễ, Ạ...).
    private const string LatinExtendedAdditional =
        "A_A_B_B_B_B_B_B_C_C_D_D_D_D_D_D_" + // U+1E00
        "D_D_D_D_E_E_E_E_E_E_E_E_E_E_F_F_" + // U+1E10
        "G_G_H_H_H_H_H_H_H_H_H_H_I_I_I_I_" + // U+1E20
        "K_K_K_K_K_K_L_L_L_L_L_L_L_L_M_M_" + // U+1E30
        "M_M_M_M_N_N_N_N_N_N_N_N_O_O_O_O_" + // U+1E40
        "O_O_O_O_P_P_P_P_R_R_R_R_R_R_R_R_" + // U+1E50
        "S_S_S_S_S_S_S_S_S_S_T_T_T_T_T_T_" + // U+1E60
        "T_T_U_U_U_U_U_U_U_U_U_U_V_V_V_V_" + // U+1E70
        "W_W_W_W_W_W_W_W_W_W_X_X_X_X_Y_Y_" + // U+1E80
        "Z_Z_Z_Z_Z_Z_H_T_W_Y_A_S_S_S_SS__" + // U+1E90
        "A_A_A_A_A_A_A_A_A_A_A_A_A_A_A_A_" + // U+1EA0
        "A_A_A_A_A_A_A_A_E_E_E_E_E_E_E_E_" + // U+1EB0
        "E_E_E_E_E_E_E_E_I_I_I_I_O_O_O_O_" + // U+1EC0
        "O_O_O_O_O_O_O_O_O_O_O_O_O_O_O_O_" + // U+1ED0
        "O_O_O_O_U_U_U_U_U_U_U_U_U_U_U_U_" + // U+1EE0
        "U_U_Y_Y_Y_Y_Y_Y_Y_Y_________Y_Y_"; // U+1EF0

    // ASCII: 0 reject, 1 letter, 2 separator. Separators: whitespace and ' ` - . , _ ^ " ( ) /
    private static ReadOnlySpan<byte> AsciiKinds =>
    [
        0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 2, 2, 2, 2, 0, 0, // 0x00
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // 0x10
        2, 0, 2, 0, 0, 0, 0, 2, 2, 2, 0, 0, 2, 2, 2, 2, // 0x20  ! " # $ % & ' ( ) * + , - . /
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // 0x30  digits : ; < = > ?
        0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, // 0x40  @ A-O
        1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 2, 2, // 0x50  P-Z [ \ ] ^ _
        2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, // 0x60  ` a-o
        1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, // 0x70  p-z { | } ~
    ];

    /// <summary>Classifies <paramref name="c"/>; for a letter, writes its one or two upper-case ASCII letters.</summary>
    /// <param name="second">The second letter of an expansion (Œ -> O, E), or '\0'.</param>
    public static CharKind Fold(char c, out char first, out char second)
    {
        second = '\0';
        if (c < 128)
        {
            var kind = (CharKind)AsciiKinds[c];
            first = kind == CharKind.Letter ? (char)(c & ~0x20) : '\0';
            return kind;
        }
        first = '\0';
        string table;
        int index;
        if (c >= '\u00C0' && c < '\u0250')
        {
            table = Latin1AndExtended;
            index = (c - 0xC0) * 2;
        }
        else if (c >= '\u1E00' && c < '\u1F00')
        {
            table = LatinExtendedAdditional;
            index = (c - 0x1E00) * 2;
        }
        else
        {
            return FoldOther(c, out first, out second);
        }
        var a = table[index];
        if (a == '_') return CharKind.Reject;
        first = a;
        var b = table[index + 1];
        if (b != '_') second = b;
        return CharKind.Letter;
    }

    private static CharKind FoldOther(char c, out char first, out char second)
    {
        first = '\0';
        second = '\0';
        switch (c)
        {
            // Spaces: no-break, en/em and thin spaces, ideographic space.
            case '\u00A0' or '\u1680' or (>= '\u2000' and <= '\u200A') or '\u202F' or '\u205F' or '\u3000':
            // Apostrophes and quotes: ’ ‘ ʼ ʻ ´ ′ « » “ ”
            case '\u2019' or '\u2018' or '\u02BC' or '\u02BB' or '\u00B4' or '\u2032' or '\u00AB' or '\u00BB' or '\u201C' or '\u201D':
            // Hyphens and dashes: ‐ ‑ ‒ – — ― − and the middle dot of L·L.
            case (>= '\u2010' and <= '\u2015') or '\u2212' or '\u00B7' or '\uFE63' or '\uFF0D':
                return CharKind.Separator;
            // Combining diacritics (text already in NFD), soft hyphen, zero-width characters, BOM.
            case (>= '\u0300' and <= '\u036F') or '\u00AD' or (>= '\u200B' and <= '\u200D') or '\u2060' or '\uFEFF':
                return CharKind.Ignorable;
            // Full-width Latin letters.
            case >= '\uFF21' and <= '\uFF3A':
                first = (char)(c - 0xFF21 + 'A');
                return CharKind.Letter;
            case >= '\uFF41' and <= '\uFF5A':
                first = (char)(c - 0xFF41 + 'A');
                return CharKind.Letter;
            // Ligatures ﬀ ﬁ ﬂ ﬅ ﬆ (the three-letter ones are not seen in names).
            case '\uFB00':
                first = 'F';
                second = 'F';
                return CharKind.Letter;
            case '\uFB01':
                first = 'F';
                second = 'I';
                return CharKind.Letter;
            case '\uFB02':
                first = 'F';
                second = 'L';
                return CharKind.Letter;
            case '\uFB05' or '\uFB06':
                first = 'S';
                second = 'T';
                return CharKind.Letter;
            default:
                return CharKind.Reject;
        }
    }
}
