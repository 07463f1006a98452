// Fen to 元 by string operations only: exact for every integer amount, however large.

import { test } from "node:test";
import assert from "node:assert/strict";

import { formatFen, formatYuan } from "../money.js";

test("fen are shown as 元 with two decimals and thousands separators", () => {
  const cases = [
    [0, "0.00"],
    [5, "0.05"],
    [99, "0.99"],
    [100, "1.00"],
    [123456789, "1,234,567.89"],
    [10000000000, "100,000,000.00"],
    [-250, "-2.50"],
    [-5, "-0.05"],
    [9007199254740991, "90,071,992,547,409.91"],
    ["900719925474099123", "9,007,199,254,740,991.23"],
    [12345678901234567890n, "123,456,789,012,345,678.90"],
    ["007", "0.07"],
  ];
  for (const [fen, text] of cases) assert.equal(formatFen(fen), text, String(fen));
});

test("anything that is not an integer amount is shown as a dash, not guessed", () => {
  for (const value of [0.5, 2 ** 53, "1.5", "", null, undefined, Number.NaN, "1e3"]) {
    assert.equal(formatFen(value), "—", String(value));
  }
});

test("the unit follows the language", () => {
  assert.equal(formatYuan(150, "zh"), "1.50 元");
  assert.equal(formatYuan(150, "en"), "CNY 1.50");
});
