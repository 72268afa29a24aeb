// Temporary: operations whose handlers are being written on other branches. Removed when they land.
export const pending = async (): Promise<never> => {
  throw new Error('not implemented yet');
};
