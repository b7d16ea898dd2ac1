export { createAmazonUser } from './create-amazon-user.ts'
export { deleteAmazonUser } from './delete-amazon-user.ts'
export { getAmazonUser } from './get-amazon-user.ts'
export { listAmazonUsers } from './list-amazon-users.ts'
