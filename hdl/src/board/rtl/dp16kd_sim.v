// A behavioural model of the ECP5 DP16KD block RAM, for the one mode
// bank_ram.rs uses: 512 x 36 pseudo-dual-port (DATA_WIDTH_A = DATA_WIDTH_B
// = 36), written on port A with the byte enables on ADA3..0 (a 9-bit
// byte each), read on port B; REGMODE_B = "OUTREG" adds the output
// register (loaded while OCEB). Written from Lattice FPGA-TN-02204 (ECP5
// and ECP5-5G Memory Usage Guide) and the pin use of yosys's
// techlibs/lattice/brams_map_16kd.v ($__PDPW16KD_): data bits 17..0 on
// DIA/DOA, 35..18 on DIB/DOB, the word address on AD*13..5. Chip selects,
// resets and port B writes are not modelled (bank_ram.rs and
// ferronic_dpram72 tie them off). For simulation only (Verilator, Icarus).
/* verilator lint_off UNUSEDSIGNAL */
/* verilator lint_off UNUSEDPARAM */
module DP16KD (
  input DIA17, DIA16, DIA15, DIA14, DIA13, DIA12, DIA11, DIA10, DIA9, DIA8, DIA7, DIA6, DIA5, DIA4, DIA3, DIA2, DIA1, DIA0,
  input ADA13, ADA12, ADA11, ADA10, ADA9, ADA8, ADA7, ADA6, ADA5, ADA4, ADA3, ADA2, ADA1, ADA0,
  input CEA, OCEA, CLKA, WEA, RSTA, CSA2, CSA1, CSA0,
  output DOA17, DOA16, DOA15, DOA14, DOA13, DOA12, DOA11, DOA10, DOA9, DOA8, DOA7, DOA6, DOA5, DOA4, DOA3, DOA2, DOA1, DOA0,
  input DIB17, DIB16, DIB15, DIB14, DIB13, DIB12, DIB11, DIB10, DIB9, DIB8, DIB7, DIB6, DIB5, DIB4, DIB3, DIB2, DIB1, DIB0,
  input ADB13, ADB12, ADB11, ADB10, ADB9, ADB8, ADB7, ADB6, ADB5, ADB4, ADB3, ADB2, ADB1, ADB0,
  input CEB, OCEB, CLKB, WEB, RSTB, CSB2, CSB1, CSB0,
  output DOB17, DOB16, DOB15, DOB14, DOB13, DOB12, DOB11, DOB10, DOB9, DOB8, DOB7, DOB6, DOB5, DOB4, DOB3, DOB2, DOB1, DOB0
);
  parameter DATA_WIDTH_A = 36;
  parameter DATA_WIDTH_B = 36;
  parameter REGMODE_A = "NOREG";
  parameter REGMODE_B = "NOREG";
  parameter RESETMODE = "SYNC";
  parameter ASYNC_RESET_RELEASE = "SYNC";
  parameter CSDECODE_A = "0b000";
  parameter CSDECODE_B = "0b000";
  parameter WRITEMODE_A = "NORMAL";
  parameter WRITEMODE_B = "NORMAL";
  parameter GSR = "ENABLED";
  reg [35:0] mem [0:511];
  wire [8:0] wa = {ADA13, ADA12, ADA11, ADA10, ADA9, ADA8, ADA7, ADA6, ADA5};
  wire [3:0] be = {ADA3, ADA2, ADA1, ADA0};
  wire [8:0] ra = {ADB13, ADB12, ADB11, ADB10, ADB9, ADB8, ADB7, ADB6, ADB5};
  wire [35:0] di = {DIB17, DIB16, DIB15, DIB14, DIB13, DIB12, DIB11, DIB10, DIB9, DIB8, DIB7, DIB6, DIB5, DIB4, DIB3, DIB2, DIB1, DIB0,
                    DIA17, DIA16, DIA15, DIA14, DIA13, DIA12, DIA11, DIA10, DIA9, DIA8, DIA7, DIA6, DIA5, DIA4, DIA3, DIA2, DIA1, DIA0};
  integer k;
  always @(posedge CLKA)
    if (CEA && WEA)
      for (k = 0; k < 4; k = k + 1)
        if (be[k]) mem[wa][9*k +: 9] <= di[9*k +: 9];
  reg [35:0] lat; reg [35:0] oreg;
  always @(posedge CLKB) if (CEB) lat <= mem[ra];
  always @(posedge CLKB) if (OCEB) oreg <= lat;
  wire [35:0] dout = REGMODE_B == "OUTREG" ? oreg : lat;
  assign {DOB17, DOB16, DOB15, DOB14, DOB13, DOB12, DOB11, DOB10, DOB9, DOB8, DOB7, DOB6, DOB5, DOB4, DOB3, DOB2, DOB1, DOB0,
          DOA17, DOA16, DOA15, DOA14, DOA13, DOA12, DOA11, DOA10, DOA9, DOA8, DOA7, DOA6, DOA5, DOA4, DOA3, DOA2, DOA1, DOA0} = dout;
endmodule
/* verilator lint_on UNUSEDPARAM */
/* verilator lint_on UNUSEDSIGNAL */
